// Preloaded by `npm run bench` into the processes it times: on exit, one line
// on stderr with the process's own CPU time, which holds better than wall time
// on a busy machine.
"use strict";
process.on("exit", () => {
  const { userCPUTime, systemCPUTime } = process.resourceUsage();
  process.stderr.write(`\nfleet-bench-cpu-us ${userCPUTime + systemCPUTime}\n`);
});
