// Loaded by the provider stub of every Heroku resource, in the dynamic-provider
// host that the Pulumi CLI starts as plain `node` (the project's nodeargs do not
// apply there): plain JavaScript, which registers tsx and loads fleet's providers.
"use strict";
const path = require("node:path");

let providers;

/** The provider of one kind of Heroku object (`app`, `addon`…), loaded once per process. */
exports.provider = function provider(kind) {
  if (providers === undefined) {
    require("tsx/cjs/api").register();
    providers = require(path.join(__dirname, "index.ts")).providers;
  }
  const found = providers[kind];
  if (found === undefined) {
    throw new Error(
      `This fleet checkout has no Heroku provider "${kind}"; the state was written by another version of fleet: run pulumi from that version, or a newer one.`,
    );
  }
  return found;
};
