import { z } from "zod";
import { larkErrors } from "./lark-api-error.ts";
import { ok, type Route, type RouteDeps, validateFields } from "./route.ts";
import { API_SCOPES, SCOPES } from "./scopes.ts";
import type { EmulatedChat, EmulatedUser } from "./types.ts";

const idType = z.enum(["open_id", "union_id", "user_id"]).default("open_id");
const userQuery = z.object({ user_id_type: idType, department_id_type: z.string().optional() });
/** The batch user API takes at most 50 ids. */
const BATCH_USERS_MAX = 50;
const chatQuery = z.object({ user_id_type: idType });
const membersQuery = z.object({
  member_id_type: idType,
  page_size: z.coerce.number().int().min(1).max(100).default(20),
  page_token: z.string().optional(),
});

/**
 * Contact user (one, or a batch of up to 50), chat info, chat members, the bot's membership of a chat, and bot info.
 * Chat info answers for any chat of the tenant, as Lark does for internal groups, even one the bot has left; only
 * is_in_chat tells whether the bot is a member.
 */
export function directoryRoutes(deps: RouteDeps): Route[] {
  const { state, app } = deps;

  const existingChat = (chatId: string | undefined): EmulatedChat => {
    const chat = state.chat(chatId ?? "");
    if (!chat) throw larkErrors.chatInvalid();
    if (chat.dissolved) throw larkErrors.chatDissolved();
    return chat;
  };
  const visibleChat = (chatId: string | undefined): EmulatedChat => {
    const chat = existingChat(chatId);
    if (!chat.botIsMember) throw larkErrors.operatorNotInChat();
    return chat;
  };
  const contact = (user: EmulatedUser) => contactUser(user, deps.granted(SCOPES.userBase));
  const idOf = (user: EmulatedUser, type: z.infer<typeof idType>): string =>
    type === "open_id" ? user.openId : type === "union_id" ? user.unionId : user.userId;

  return [
    {
      method: "GET",
      path: "/open-apis/contact/v3/users/batch",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.contact,
      // Users Lark does not know (or the app may not see) are left out of `items`.
      handle: ({ query, queryAll }) => {
        const { user_id_type } = validateFields(userQuery, query);
        const ids = queryAll("user_ids");
        if (ids.length === 0 || ids.length > BATCH_USERS_MAX) {
          throw larkErrors.fieldValidation([
            { field: "user_ids", description: `user_ids must hold 1 to ${BATCH_USERS_MAX} ids` },
          ]);
        }
        const found = ids.flatMap((id) => state.findUser(user_id_type, id) ?? []);
        return ok({ items: found.map(contact) });
      },
    },
    {
      method: "GET",
      path: "/open-apis/contact/v3/users/:user_id",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.contact,
      handle: ({ params, query }) => {
        const { user_id_type } = validateFields(userQuery, query);
        const user = state.findUser(user_id_type, params.user_id ?? "");
        if (!user) throw larkErrors.userNotVisible();
        return ok({ user: contact(user) });
      },
    },
    {
      method: "GET",
      path: "/open-apis/im/v1/chats/:chat_id",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.chat,
      handle: ({ params, query }) => {
        const { user_id_type } = validateFields(chatQuery, query);
        const chat = existingChat(params.chat_id);
        const owner = chat.ownerOpenId ? state.findUser("open_id", chat.ownerOpenId) : undefined;
        return ok({
          avatar: "",
          name: chat.name,
          description: "",
          ...(owner && { owner_id: idOf(owner, user_id_type), owner_id_type: user_id_type }),
          chat_mode: chat.chatType === "p2p" ? "p2p" : "group",
          chat_type: "private",
          external: false,
          tenant_key: app.tenantKey,
          user_count: String(chat.members.length),
          bot_count: chat.botIsMember ? "1" : "0",
          add_member_permission: "all_members",
          share_card_permission: "allowed",
          at_all_permission: "all_members",
          edit_permission: "all_members",
          membership_approval: "no_approval_required",
          moderation_permission: "all_members",
        });
      },
    },
    {
      method: "GET",
      path: "/open-apis/im/v1/chats/:chat_id/members/is_in_chat",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.chatMembers,
      handle: ({ params }) => ok({ is_in_chat: existingChat(params.chat_id).botIsMember }),
    },
    {
      method: "GET",
      path: "/open-apis/im/v1/chats/:chat_id/members",
      auth: true,
      rateLimited: true,
      scopes: API_SCOPES.chatMembers,
      handle: ({ params, query }) => {
        const { member_id_type, page_size, page_token } = validateFields(membersQuery, query);
        const chat = visibleChat(params.chat_id);
        const start = page_token === undefined ? 0 : decodePageToken(page_token);
        const members = chat.members.map((openId) => state.requireUser(openId));
        const page = members.slice(start, start + page_size);
        const next = start + page.length;
        return ok({
          items: page.map((user) => ({
            member_id_type,
            member_id: idOf(user, member_id_type),
            name: user.name,
            tenant_key: app.tenantKey,
          })),
          page_token: next < members.length ? encodePageToken(next) : "",
          has_more: next < members.length,
          member_total: members.length,
        });
      },
    },
    {
      method: "GET",
      path: "/open-apis/bot/v3/info",
      auth: true,
      rateLimited: true,
      // This older API answers with `bot` at the top level instead of `data`.
      handle: () => ({
        json: {
          code: 0,
          msg: "ok",
          bot: { activate_status: 2, app_name: app.appName, avatar_url: "", ip_white_list: [], open_id: app.botOpenId },
        },
      }),
    },
  ];
}

/** A user as the contact API shows it; the name only with contact:user.base:readonly, as Lark does. */
function contactUser(user: EmulatedUser, withName: boolean): Record<string, unknown> {
  return {
    open_id: user.openId,
    union_id: user.unionId,
    user_id: user.userId,
    ...(withName && { name: user.name }),
    en_name: "",
    avatar: { avatar_72: "", avatar_240: "", avatar_640: "", avatar_origin: "" },
    ...(user.mobile !== undefined && { mobile: user.mobile }),
    status: { is_activated: true, is_frozen: false, is_resigned: false, is_exited: false, is_unjoin: false },
  };
}

function encodePageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString("base64url");
}

function decodePageToken(token: string): number {
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, "base64url").toString("utf8"));
  if (!match) throw larkErrors.fieldValidation([{ field: "page_token", description: "invalid page_token" }]);
  return Number(match[1]);
}
