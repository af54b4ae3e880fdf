import { ARGUMENT_TEXTS } from "../texts/cli.ts";

/** An error of node:util parseArgs (unknown option, missing value, extra argument), said in Chinese. */
export function argumentProblem(error: unknown): string | undefined {
  const { code, message } = error as { code?: unknown; message?: string };
  if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS_")) return undefined;
  const quoted = /'([^' ]+)/.exec(message ?? "")?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return ARGUMENT_TEXTS.unknownOption(quoted);
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return ARGUMENT_TEXTS.extraArgument(quoted);
  if (message?.includes("argument missing")) return ARGUMENT_TEXTS.missingValue(quoted);
  return ARGUMENT_TEXTS.unexpectedValue(quoted);
}
