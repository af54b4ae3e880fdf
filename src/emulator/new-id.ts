import { randomBytes, randomUUID } from "node:crypto";

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

/** Id formats Lark uses, each with its real prefix. */
const FORMATS = {
  message: () => `om_${hex(16)}`,
  chat: () => `oc_${hex(16)}`,
  openId: () => `ou_${hex(16)}`,
  unionId: () => `on_${hex(16)}`,
  userId: () => hex(4),
  thread: () => `omt_${hex(8)}`,
  image: () => `img_v3_02${hex(1)}_${randomUUID()}g`,
  file: () => `file_v3_00${hex(1)}_${randomUUID()}g`,
  event: () => hex(16),
  tenantToken: () => `t-g${hex(20)}`,
  appToken: () => `a-g${hex(20)}`,
  userToken: () => `u-g${hex(20)}`,
  oauthCode: () => hex(16),
  cardToken: () => `c-${hex(20)}`,
  logId: () => `${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}${hex(12).toUpperCase()}`,
  tenantKey: () => hex(8),
  nonce: () => hex(8),
} as const;

export type IdKind = keyof typeof FORMATS;

/** A fresh random id of the given kind (`om_…`, `oc_…`, `ou_…`, `img_v3_…`, `file_v3_…`, …). */
export function newId(kind: IdKind): string {
  return FORMATS[kind]();
}
