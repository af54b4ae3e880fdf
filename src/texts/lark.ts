/**
 * What the Lark wire says: fix hints for the error codes an operator can act on (Chinese for operators, then
 * English), why a photo was not kept, and the name shown for a mention whose person is unknown.
 */

/** Fix hints, one per Lark error an operator can act on; lark/errors.ts maps each code to its hint. */
export const LARK_HINTS = {
  scopeMissing: (scope: string | undefined) => {
    const named = scope ?? "所需权限";
    return `应用缺少权限，请在开发者后台为应用开通 ${named} 并发布新版本 / The app lacks a scope: add ${named} in the developer console and publish a new version`;
  },
  botNotInChat: "机器人不在群内，请把机器人拉进群 / The bot is not in this chat: add the bot to the group",
  botAbilityDisabled:
    "应用未启用机器人能力，请在开发者后台开启并发布新版本 / Enable the bot ability in the developer console and publish a new version",
  userOutOfScope:
    "用户不在应用的可用范围内，请在开发者后台调整可用范围 / The user is outside the app's availability: widen it in the developer console",
  chatDissolved: "群已解散 / The chat has been dissolved",
  cardInvalid: "卡片内容无效，请查看错误信息中的子错误码 / The card JSON is invalid: see the sub-code in the message",
  invalidParam: "请求参数无效 / A request parameter is invalid",
  contentTooLong: "消息内容过长 / The message content is too long",
  contentBlocked:
    "消息被企业的数据防泄漏或内容审核策略拦截 / The tenant's data-loss-prevention or moderation policy blocked the message",
  tooOldToUpdate: "消息发出已超过 14 天，不能再更新 / The message is older than 14 days and can no longer be updated",
  messageRecalled: "原消息已被撤回 / The original message was recalled",
  threadReplyUnsupported: "该会话不支持话题回复 / This chat does not support replies in threads",
  resourceNotInMessage: "资源不属于该消息 / The resource does not belong to this message",
  appNotInChat: "应用不在消息所在的群内 / The app is not in the chat of this message",
  fileTooLarge: "文件超过大小限制 / The file exceeds the size limit",
  fileEmpty: "文件为空 / The file is empty",
  imageUnrecognized: "无法识别的图片格式 / The image format was not recognised",
  rateLimited: "调用过于频繁，已按限流要求等待后重试 / Rate limited by Lark; retried after the reset",
  chatRateLimited: "向同一群发消息过于频繁，稍后重试 / Too many messages to one chat; retried later",
  tokenInvalid:
    "访问凭证无效或已过期；若刷新后仍出现，请检查 App ID 与 App Secret / The tenant token is invalid or expired; if it persists after a refresh, check the app id and secret",
  appIdInvalid: "App ID 无效，请检查 LARK_APP_ID / The app id is invalid: check LARK_APP_ID",
  appSecretInvalid: "App Secret 无效，请检查 LARK_APP_SECRET / The app secret is invalid: check LARK_APP_SECRET",
} as const;

/** What the user reads when a photo is not kept, by the reason (lark/photos.ts `PhotoRejection`). */
export const PHOTO_REJECTION_TEXTS = {
  too_big: "照片超过 50 MB，未能保存，请压缩后重新发送",
  not_image: "这不是可识别的照片（支持 JPG、PNG、GIF、WEBP、HEIC），请重新拍照发送",
  download_failed: "照片下载失败，请稍后重新发送",
} as const;

/** The name a mention shows when neither the directory nor the message knows the person. */
export const UNKNOWN_MENTION_NAME = "某人";
