import protobuf from "protobufjs";

/** `pbbp2.Frame`, the protobuf envelope of every long-connection message (proto2). */
export interface Pbbp2Frame {
  SeqID: number;
  LogID: number;
  service: number;
  /** 0 = control (ping/pong), 1 = data (events and their ACKs). */
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

export const FRAME_METHOD = { control: 0, data: 1 } as const;

const root = protobuf.Root.fromJSON({
  nested: {
    pbbp2: {
      nested: {
        Header: {
          fields: {
            key: { rule: "required", type: "string", id: 1 },
            value: { rule: "required", type: "string", id: 2 },
          },
        },
        Frame: {
          fields: {
            SeqID: { rule: "required", type: "uint64", id: 1 },
            LogID: { rule: "required", type: "uint64", id: 2 },
            service: { rule: "required", type: "int32", id: 3 },
            method: { rule: "required", type: "int32", id: 4 },
            headers: { rule: "repeated", type: "Header", id: 5 },
            payload_encoding: { type: "string", id: 6 },
            payload_type: { type: "string", id: 7 },
            payload: { type: "bytes", id: 8 },
            LogIDNew: { type: "string", id: 9 },
          },
        },
      },
    },
  },
});
const FrameType = root.lookupType("pbbp2.Frame");

/** Encodes a frame to its wire bytes. */
export function encodePbbp2Frame(frame: Pbbp2Frame): Uint8Array {
  return FrameType.encode(FrameType.create(frame)).finish();
}

/** Decodes wire bytes; throws when they are not a valid frame. */
export function decodePbbp2Frame(bytes: Uint8Array): Pbbp2Frame {
  const decoded = FrameType.toObject(FrameType.decode(bytes), { longs: Number, defaults: true }) as Pbbp2Frame;
  return { ...decoded, headers: decoded.headers ?? [] };
}

/** The value of a frame header, if present. */
export function frameHeader(frame: Pbbp2Frame, key: string): string | undefined {
  return frame.headers.find((h) => h.key === key)?.value;
}
