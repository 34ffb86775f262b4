// The pack's entry, as the Pulumi CLI runs it (`pulumi preview --policy-pack
// policy`): the CLI's policy runner loads this file with plain node (and its
// own TypeScript register, which is not fleet's toolchain), so it is plain
// JavaScript that registers tsx — as the program runs — and loads the pack.
"use strict";
require("tsx/cjs/api").register();
require("./pack.ts");
