import type { ChatPurpose } from "../domain/types.ts";
import type { Tx } from "./client.ts";

/** What binding a group says about it; what it leaves out keeps its stored value. */
export interface BindingFields {
  unitId: number;
  purpose: ChatPurpose;
  name?: string;
  digestTime?: string;
}

/**
 * Binds a group to a unit (behaviour §1.8): a bound group is rebound, keeping its settings; a group bound before and
 * since unbound gets back the settings and digest time it had, unless `fields` names another digest time.
 */
export async function bindChat(tx: Tx, chatId: string, fields: BindingFields): Promise<void> {
  const kept = await tx.unboundChat.findUnique({ where: { chatId } });
  if (kept) await tx.unboundChat.delete({ where: { chatId } });
  const restored = kept ? { settings: kept.settings ?? {}, digestTime: kept.digestTime } : { settings: {} };
  await tx.chatBinding.upsert({ where: { chatId }, create: { chatId, ...restored, ...fields }, update: fields });
}

/** Unbinds a group (解绑), keeping its settings and digest time for when it is bound again (behaviour §1.8). */
export async function unbindChat(tx: Tx, chatId: string): Promise<void> {
  const binding = await tx.chatBinding.delete({ where: { chatId } });
  const kept = { digestTime: binding.digestTime, settings: binding.settings ?? {} };
  await tx.unboundChat.upsert({ where: { chatId }, create: { chatId, ...kept }, update: kept });
}
