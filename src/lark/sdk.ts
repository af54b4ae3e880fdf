/**
 * The Lark SDK, loaded with require. It is one CommonJS file of about 6 MB, and an ES module's `import` of it makes
 * Node scan all of it for its named exports first (cjs-module-lexer): 0.3–0.45 s of CPU at every start, which
 * require does not spend (issue 17, first start). Its types come from `import type` as usual.
 *
 * The built bot (scripts/build.js) loads the SDK's copy beside it instead: the same code without whitespace and
 * comments, every non-ASCII character escaped. V8 keeps a script's source for as long as the process runs, and the
 * SDK's Chinese comments make it keep the original as 12.5 MB of two-byte text; the copy's is 2 MB of one-byte text,
 * about 10 MB less in every process the bot runs (issue 17, peak RSS).
 */
import { createRequire } from "node:module";
import type * as Sdk from "@larksuiteoapi/node-sdk";

/** The copy's path relative to the built bot; set by the build only. */
declare const LARK_SDK_COPY: string | undefined;

const id = typeof LARK_SDK_COPY === "string" ? LARK_SDK_COPY : "@larksuiteoapi/node-sdk";

export const lark: typeof Sdk = createRequire(import.meta.url)(id);
