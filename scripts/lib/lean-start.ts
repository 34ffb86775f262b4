/**
 * Imported first by command-line tools that evaluate the program (plan,
 * bench). tsx turns Node's source-map support on; with it, every module load
 * looks for a source map and every `new Error().stack` is mapped back to
 * TypeScript — and the Pulumi SDK captures a stack for each of the thousands
 * of promises a program run makes. Off, a plan takes about a fifth less CPU;
 * stack traces of these tools then point into the transpiled code.
 */
process.setSourceMapsEnabled(false);
