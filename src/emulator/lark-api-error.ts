/** Lark error answers: codes, messages and HTTP statuses as the Open Platform sends them. */

/**
 * An error answer of the emulated Open Platform. `unexpected` marks answers a correct client never provokes
 * (bad parameters, unknown ids, malformed cards); state-dependent refusals (bot removed, chat dissolved, token
 * expired) are expected and not reported by `assertClean`.
 */
export class LarkApiError extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly status = 400,
    readonly unexpected = true,
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code}: ${msg}`);
    this.name = "LarkApiError";
  }
}

const CARD_FAILED = "Failed to create card content, ext=";

/** Factories for every error answer the emulator gives; each names Lark's code and message. */
export const larkErrors = {
  missingToken: () =>
    new LarkApiError(99991661, "Missing access token for authorization. Please make a request with token attached."),
  invalidToken: (expected: boolean) =>
    new LarkApiError(
      99991663,
      "Invalid access token for authorization. Please make a request with token attached.",
      400,
      !expected,
    ),
  appRateLimited: (limit: number, resetSeconds: number) =>
    new LarkApiError(99991400, "request trigger frequency limit", 429, true, {
      "x-ogw-ratelimit-limit": String(limit),
      "x-ogw-ratelimit-reset": String(resetSeconds),
    }),
  scopeMissing: (appId: string, scopes: readonly string[]) =>
    new LarkApiError(
      99991672,
      `Access denied. One of the following scopes is required: [${scopes.join(", ")}].` +
        `应用尚未开通所需的应用身份权限：[${scopes.join(", ")}]，点击链接申请并开通任一权限即可：` +
        `https://open.feishu.cn/app/${appId}/auth?q=${scopes.join(",")}&op_from=openapi&token_type=tenant`,
      400,
      false,
      {},
      { permission_violations: scopes.map((subject) => ({ type: "action_scope_required", subject })) },
    ),
  tooFrequent: () =>
    new LarkApiError(230020, "The request you send is too frequent, please try again later.", 400, true),
  fieldValidation: (violations: { field: string; description: string }[]) =>
    new LarkApiError(99992402, "field validation failed", 400, true, {}, { field_violations: violations }),
  invalidParam: (ext: string) =>
    new LarkApiError(230001, `Your request contains an invalid request parameter, ext=${ext}`),
  botNotInChat: () => new LarkApiError(230002, "Bot/User can NOT be out of the chat.", 400, false),
  messageRecalled: () => new LarkApiError(230011, "The message was withdrawn.", 400, false),
  notSender: () => new LarkApiError(230012, "Bot is NOT the sender of the message."),
  contentTooLong: (limit: string) =>
    new LarkApiError(230025, `The length of the message content reaches its limit (${limit}).`),
  messageTooOld: () => new LarkApiError(230031, "The message being operated is too old to be updated.", 400, false),
  cardInvalid: (subCode: number, detail: string) =>
    new LarkApiError(230099, `${CARD_FAILED}ErrCode: ${subCode}; ErrMsg: ${detail}; `),
  chatInvalid: () => new LarkApiError(232006, "Your request specifies a chat_id which is invalid."),
  chatDissolved: () =>
    new LarkApiError(232009, "Your request specifies a chat which has already been dissolved.", 400, false),
  operatorNotInChat: () => new LarkApiError(232011, "Operator can NOT be out of the chat.", 400, false),
  resourceParam: (ext: string) => new LarkApiError(234001, `Invalid request param. ext=${ext}`),
  resourceNotInMessage: () => new LarkApiError(234003, "File not in msg."),
  appNotInChat: () => new LarkApiError(234004, "App not in chat.", 400, false),
  fileTooLarge: (limit: string) => new LarkApiError(234006, `The file size exceeds the limit (${limit}).`),
  fileEmpty: () => new LarkApiError(234010, "File's size can't be 0."),
  imageUnrecognized: () => new LarkApiError(234011, "Can't recognize the image format."),
  userNotVisible: () => new LarkApiError(41050, "no user authority error"),
  bodyTooLarge: () => new LarkApiError(413, "request entity too large", 413),
} as const;
