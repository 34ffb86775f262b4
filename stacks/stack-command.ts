/**
 * The commands a fix tells the operator to run, spelled one way everywhere.
 */

export const PROJECT = "fleet";

/** `pulumi config set [--secret] [--path] <key> <value> --stack <stack>`. */
export function configSetCommand(stack: string, key: string, value: string, options: { secret?: boolean; path?: boolean } = {}): string {
  const flags = [options.secret ? "--secret" : "", options.path ? "--path" : ""].filter(Boolean).join(" ");
  const quotedKey = options.path ? `'${key}'` : key;
  return `pulumi config set ${flags ? `${flags} ` : ""}${quotedKey} ${value} --stack ${stack}`;
}

/** `pulumi config rm [--path] <key> --stack <stack>`. */
export function configRmCommand(stack: string, key: string, options: { path?: boolean } = {}): string {
  return `pulumi config rm ${options.path ? `--path '${key}'` : key} --stack ${stack}`;
}
