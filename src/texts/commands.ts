/** Stand-in names and small joins the use cases (src/commands/) put into what users read. */

/** A chat whose name is not known. */
export const UNNAMED_CHAT = "群聊";

/** A person Feishu gave no name for. */
export const UNREGISTERED_USER = "未登记用户";

/** The actor of a history entry nobody did. */
export const SYSTEM_ACTOR = "系统";

/** A reason after what happened: "：不属于本网格", or nothing without one. */
export function reasonSuffix(reason: string | undefined): string {
  return reason?.trim() ? `：${reason.trim()}` : "";
}

/** Names in a row: "幸福里社区、东风社区". */
export function joinNames(names: readonly string[]): string {
  return names.join("、");
}

/** A unit with its code, to tell units of one name apart: "幸福里社区（XFL）". */
export function unitWithCode(name: string, code: string): string {
  return `${name}（${code}）`;
}
