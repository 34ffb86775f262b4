/**
 * Starts the fake Threads and the fake moderation API for a local run or
 * another app's browser test, and prints one JSON line with their URLs:
 *
 *   node --import tsx test/support/fake-threads-cli.ts --port 4100 --auto-approve alice
 *   → {"threadsUrl":"http://127.0.0.1:4100","authorizeUrl":"http://127.0.0.1:4100/oauth/authorize","moderationUrl":"http://127.0.0.1:4101/v1",…}
 *
 * Point threads-api at them with THREADS_API_BASE_URL=<threadsUrl>,
 * THREADS_AUTHORIZE_URL=<authorizeUrl>, OPENAI_BASE_URL=<moderationUrl>,
 * and the client id/secret and API key printed. Runs until SIGTERM/SIGINT.
 */
import { parseArgs } from "node:util";
import { FakeModeration } from "./fake-moderation.js";
import { FakeThreads } from "./fake-threads.js";
import { demoUsers } from "./threads-data.js";

const HELP = `Usage: node --import tsx test/support/fake-threads-cli.ts [options]

  --port <n>             port of the fake Threads (default: any free port)
  --moderation-port <n>  port of the fake moderation API (default: any free port)
  --auto-approve <user>  approve sign-ins as this user without the consent page (alice or bob)
  --client-id <id>       Threads app id the fake accepts (default 1234567890, as in .env.example)
  --client-secret <s>    Threads app secret the fake accepts (default as in .env.example)
  --api-key <key>        moderation API key the fake accepts (default as in .env.example)
  --help                 this text`;

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    "moderation-port": { type: "string", default: "0" },
    "auto-approve": { type: "string" },
    "client-id": { type: "string", default: "1234567890" },
    "client-secret": { type: "string", default: "local-fake-threads-app-secret" },
    "api-key": { type: "string", default: "sk-local-fake-openai-key" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}

const users = demoUsers();
if (values["auto-approve"] !== undefined && !users.some((user) => user.username === values["auto-approve"])) {
  console.error(`--auto-approve: no fake user "${values["auto-approve"]}"; use one of ${users.map((user) => user.username).join(", ")}`);
  process.exit(2);
}
const threads = await FakeThreads.start({
  clientId: values["client-id"],
  clientSecret: values["client-secret"],
  users,
  port: Number(values.port),
  ...(values["auto-approve"] !== undefined ? { autoApprove: values["auto-approve"] } : {}),
});
const moderation = await FakeModeration.start({ apiKey: values["api-key"], port: Number(values["moderation-port"]) });
console.log(
  JSON.stringify({
    threadsUrl: threads.url,
    authorizeUrl: threads.authorizeUrl,
    moderationUrl: moderation.url,
    clientId: values["client-id"],
    clientSecret: values["client-secret"],
    apiKey: values["api-key"],
    users: users.map((user) => ({ id: user.id, username: user.username, posts: user.posts.length })),
  }),
);

const stop = () => {
  void Promise.all([threads.close(), moderation.close()]).then(() => process.exit(0));
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
