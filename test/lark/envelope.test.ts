import { describe, expect, it } from "vitest";
import { type InboundMessage, parseInbound } from "../../src/lark/envelope.ts";
import type { FlatEvent } from "../../src/lark/flat-event.ts";

function received(messageType: string, content: unknown): InboundMessage {
  const event: FlatEvent = {
    event_id: "ev_1",
    event_type: "im.message.receive_v1",
    sender: { sender_id: { open_id: "ou_reporter" }, sender_type: "user" },
    message: {
      message_id: "om_1",
      create_time: "1795000000000",
      chat_id: "oc_1",
      chat_type: "group",
      message_type: messageType,
      content: JSON.stringify(content),
    },
  };
  const inbound = parseInbound(event);
  if (inbound.kind !== "message") throw new Error("expected a message");
  return inbound;
}

describe("parseInbound: messages", () => {
  it("takes the text and the photos of a post, in order, and leaves out a video's cover image", () => {
    const m = received("post", {
      zh_cn: {
        title: "上报",
        content: [
          [
            { tag: "text", text: "幸福路菜市场门口堆物" },
            { tag: "img", image_key: "img_before_1" },
          ],
          [
            { tag: "media", file_key: "file_video", image_key: "img_video_cover" },
            { tag: "img", image_key: "img_before_2" },
          ],
        ],
      },
    });
    expect(m.text).toBe("上报\n幸福路菜市场门口堆物");
    expect(m.imageKeys).toEqual(["img_before_1", "img_before_2"]);
  });

  it("takes no photo from a video message", () => {
    const m = received("media", { file_key: "file_video", image_key: "img_video_cover", duration: 3000 });
    expect(m.imageKeys).toEqual([]);
  });

  it("takes the photo of an image message", () => {
    expect(received("image", { image_key: "img_1" }).imageKeys).toEqual(["img_1"]);
  });
});
