import { z } from "zod";
import { boardLinkFor } from "../commands/board-link.ts";
import type { FeatureDeps } from "../commands/deps.ts";
import { answerTo, replyText, sendText } from "../commands/say.ts";
import type { InboundCardAction } from "../lark/envelope.ts";
import type { CardAnswer } from "../lark/inbox-store.ts";
import { joinNames } from "../texts/commands.ts";
import { BOARD_TEXTS } from "../texts/open-data.ts";
import { cardValue, toast } from "./card-actions.ts";
import type { CommandExtension } from "./chat-commands.ts";
import { recordId } from "./parse-input.ts";

/**
 * 挂图: answers the sender with a personal link to the 挂图作战 board — of the group's unit in a group, of all they
 * may see in a private chat. A link is personal, so in a group it goes to the sender's private chat with the bot
 * and the thread says so.
 */
export const boardCommand: CommandExtension = async (deps, m, _arg, scope) => {
  const reply = (text: string) => replyText(deps.db, { ...answerTo(m), text });
  if (!deps.board) return reply(BOARD_TEXTS.notEnabled);
  const link = await boardLinkFor(deps.db, deps.board, {
    openId: m.senderOpenId,
    admins: deps.admins,
    ...(scope.binding && { within: scope.binding.unitId }),
    now: deps.now(),
  });
  if (!link) return reply(BOARD_TEXTS.noUnits);
  const text = BOARD_TEXTS.linkText(joinNames(link.unitNames), link.url, deps.board.hours);
  if (m.chatType === "p2p") return reply(text);
  await sendText(deps.db, { key: `board-link:${m.messageId}`, chatId: m.senderOpenId, text });
  await reply(BOARD_TEXTS.linkSent(deps.board.hours));
};

/** The value of the 挂图作战 button (presenters/digest-card.ts boardValue). */
const buttonValue = z.object({ bd: z.literal("open"), u: recordId });

/** The 挂图作战 button of a digest: the clicker's link for the digest's unit, sent privately; a toast says so. */
export async function handleBoardCardAction(deps: FeatureDeps, a: InboundCardAction): Promise<CardAnswer | undefined> {
  const parsed = cardValue(a.value, "bd", buttonValue);
  if (!parsed) return undefined;
  if (!deps.board) return toast("warning", BOARD_TEXTS.notEnabled);
  const link = await boardLinkFor(deps.db, deps.board, {
    openId: a.operatorOpenId,
    admins: deps.admins,
    within: parsed.u,
    now: deps.now(),
  });
  if (!link) return toast("warning", BOARD_TEXTS.noUnits);
  await sendText(deps.db, {
    key: `board-link:${a.eventId}`,
    chatId: a.operatorOpenId,
    text: BOARD_TEXTS.linkText(joinNames(link.unitNames), link.url, deps.board.hours),
  });
  return toast("success", BOARD_TEXTS.linkSent(deps.board.hours));
}
