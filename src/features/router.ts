import type { FeatureDeps } from "../commands/deps.ts";
import { matchReportText } from "../commands/file-issue.ts";
import { replyText, sendText } from "../commands/say.ts";
import { claimOnce } from "../db/once.ts";
import { type Org, orgOf } from "../db/org-queries.ts";
import { KEYWORD_SCORE } from "../domain/match.ts";
import { type InboundCardAction, type InboundMessage, resolveMentions } from "../lark/envelope.ts";
import type { InboundHandler } from "../lark/inbox.ts";
import type { CardAnswer } from "../lark/inbox-store.ts";
import { TEXTS } from "../texts/messages.ts";
import { patrolCheckInText, startsWithReportWord } from "../texts/words.ts";
import { handleIssueCardAction, IncompleteCardValue, isCardValue, toast } from "./card-actions.ts";
import { type CommandExtension, parseCommand, runChatCommand } from "./chat-commands.ts";
import { intake } from "./intake.ts";
import { checkIn, handlePatrolCardAction } from "./patrol-check-in.ts";
import { issueOfThread, respondInThread } from "./respond.ts";

/** A card family's click handler; returns undefined when the value is not its own. */
export type CardActionHandler = (deps: FeatureDeps, action: InboundCardAction) => Promise<CardAnswer | undefined>;

/** Features other rooms add: command verbs (统计, 日报, 台账) and card families (reminders, digests). */
export interface RouterExtensions {
  commands?: Partial<Record<string, CommandExtension>>;
  cardActions?: CardActionHandler[];
}

/**
 * The one dispatcher behind both receivers: routes each stored event to its feature. Group messages go to a thread
 * response, a command or intake; private messages are commands; clicks go to the card family that owns the value.
 */
export function createRouter(deps: FeatureDeps, extensions: RouterExtensions = {}): InboundHandler {
  const cardHandlers = [handleIssueCardAction, handlePatrolCardAction, ...(extensions.cardActions ?? [])];
  return async (inbound) => {
    switch (inbound.kind) {
      case "message":
        await routeMessage(deps, inbound, extensions);
        return undefined;
      case "card_action":
        return answerClick(deps, inbound, cardHandlers);
      case "unreadable_click":
        return toast("warning", TEXTS.incompleteButton);
      case "bot_added":
        await replyUnbound(deps, inbound.chatId, null);
        return undefined;
    }
  };
}

/**
 * Hands a click to the card family whose value it carries. A value that is not an object, or that names a family but
 * does not parse, is answered as incomplete; a value no family claims, as a stale button.
 */
async function answerClick(
  deps: FeatureDeps,
  action: InboundCardAction,
  handlers: readonly CardActionHandler[],
): Promise<CardAnswer> {
  if (!isCardValue(action.value)) return toast("warning", TEXTS.incompleteButton);
  try {
    for (const handler of handlers) {
      const answer = await handler(deps, action);
      if (answer) return answer;
    }
  } catch (error) {
    if (error instanceof IncompleteCardValue) return toast("warning", TEXTS.incompleteButton);
    throw error;
  }
  return toast("warning", TEXTS.expiredButton);
}

async function routeMessage(deps: FeatureDeps, m: InboundMessage, extensions: RouterExtensions): Promise<void> {
  if (m.fromBot) return;
  const text = resolveMentions(m.text, m.mentions, deps.botOpenId);
  const mentionsBot = m.mentions.some((x) => x.openId === deps.botOpenId);
  const commands = extensions.commands ?? {};
  const patrol = patrolCheckInText(text);
  if (m.chatType === "p2p") {
    if (patrol !== null) return checkIn(deps, m, patrol, null);
    return runChatCommand(deps, m, text, null, commands);
  }

  const org = await orgOf(deps.db);
  const binding = org.bindings.get(m.chatId);
  if (!binding) {
    const verb = mentionsBot ? parseCommand(text)?.verb : undefined;
    if (verb === "bind" || verb === "unbind") return runChatCommand(deps, m, text, null, commands);
    return replyUnbound(deps, m.chatId, m.messageId);
  }
  const issue = await issueOfThread(deps.db, m);
  if (issue) return respondInThread(deps, m, text, issue.id);
  if (patrol !== null) return checkIn(deps, m, patrol, binding);
  if (mentionsBot && m.imageKeys.length === 0 && !startsWithReportWord(text)) {
    if (parseCommand(text) || !looksLikeReport(org, binding.unitId, text)) {
      return runChatCommand(deps, m, text, binding, commands);
    }
  }
  return intake(deps, m, text, mentionsBot, binding, org);
}

/**
 * Text naming a place of the chat's unit or a category — matched as filing matches it, a category the card would
 * ask about counting when the text holds at least a whole keyword's worth of it — is a report even without a photo;
 * anything else to the bot is a command.
 */
function looksLikeReport(org: Org, chatUnitId: number, text: string): boolean {
  const { place, candidates } = matchReportText(org, chatUnitId, text);
  return place !== null || (candidates[0]?.score ?? 0) >= KEYWORD_SCORE;
}

/** Tells an unbound group, once, how to bind it. */
async function replyUnbound(deps: FeatureDeps, chatId: string, messageId: string | null): Promise<void> {
  if (!(await claimOnce(deps.db, `notice.unbound:${chatId}`, "notice.unbound"))) return;
  const key = `notice.unbound:${chatId}`;
  if (messageId) await replyText(deps.db, { key, chatId, messageId, text: TEXTS.unboundGroup, inThread: false });
  else await sendText(deps.db, { key, chatId, text: TEXTS.unboundGroup });
}
