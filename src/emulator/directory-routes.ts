import { z } from "zod";
import { larkErrors } from "./lark-api-error.ts";
import { ok, type Route, type RouteDeps, validateFields } from "./route.ts";
import type { EmulatedChat, EmulatedUser } from "./types.ts";

const idType = z.enum(["open_id", "union_id", "user_id"]).default("open_id");
const userQuery = z.object({ user_id_type: idType, department_id_type: z.string().optional() });
const chatQuery = z.object({ user_id_type: idType });
const membersQuery = z.object({
  member_id_type: idType,
  page_size: z.coerce.number().int().min(1).max(100).default(20),
  page_token: z.string().optional(),
});

/** Contact user, chat info, chat members and bot info. */
export function directoryRoutes(deps: RouteDeps): Route[] {
  const { state, app } = deps;

  const visibleChat = (chatId: string | undefined): EmulatedChat => {
    const chat = state.chat(chatId ?? "");
    if (!chat) throw larkErrors.chatInvalid();
    if (chat.dissolved) throw larkErrors.chatDissolved();
    if (!chat.botIsMember) throw larkErrors.operatorNotInChat();
    return chat;
  };
  const idOf = (user: EmulatedUser, type: z.infer<typeof idType>): string =>
    type === "open_id" ? user.openId : type === "union_id" ? user.unionId : user.userId;

  return [
    {
      method: "GET",
      path: "/open-apis/contact/v3/users/:user_id",
      auth: true,
      rateLimited: true,
      handle: ({ params, query }) => {
        const { user_id_type } = validateFields(userQuery, query);
        const user = state.findUser(user_id_type, params.user_id ?? "");
        if (!user) throw larkErrors.userNotVisible();
        return ok({ user: contactUser(user) });
      },
    },
    {
      method: "GET",
      path: "/open-apis/im/v1/chats/:chat_id",
      auth: true,
      rateLimited: true,
      handle: ({ params, query }) => {
        const { user_id_type } = validateFields(chatQuery, query);
        const chat = visibleChat(params.chat_id);
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
          bot_count: "1",
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
      path: "/open-apis/im/v1/chats/:chat_id/members",
      auth: true,
      rateLimited: true,
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

function contactUser(user: EmulatedUser): Record<string, unknown> {
  return {
    open_id: user.openId,
    union_id: user.unionId,
    user_id: user.userId,
    name: user.name,
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
