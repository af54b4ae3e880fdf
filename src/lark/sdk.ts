/**
 * The Lark SDK, loaded with require. It is one CommonJS file of about 11 MB, and an ES module's `import` of it makes
 * Node scan all of it for its named exports first (cjs-module-lexer): 0.3–0.45 s of CPU at every start, which
 * require does not spend (issue 17, first start). Its types come from `import type` as usual.
 */
import { createRequire } from "node:module";
import type * as Sdk from "@larksuiteoapi/node-sdk";

export const lark: typeof Sdk = createRequire(import.meta.url)("@larksuiteoapi/node-sdk");
