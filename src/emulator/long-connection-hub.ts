import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { isRecord } from "./is-record.ts";
import { newId } from "./new-id.ts";
import { decodePbbp2Frame, encodePbbp2Frame, FRAME_METHOD, frameHeader, type Pbbp2Frame } from "./pbbp2-frame.ts";
import type { WsClientConfig } from "./types.ts";

/** The client's answer to an event frame: `code` 200 or 500, `data` = base64(JSON(handler return)). */
export interface WsAck {
  code: number;
  data?: string;
}

export interface LongConnectionHubOptions {
  appId: string;
  appSecret: string;
  clientConfig: WsClientConfig;
  /** Origin of the emulator's HTTP server, e.g. "http://127.0.0.1:1234". */
  baseUrl: () => string;
  /** A client became ready (sent its first ping). */
  onConnect: (connections: number) => void;
  onDisconnect: (connections: number) => void;
  /** A client broke the protocol (text frame, undecodable frame, ACK for nothing). */
  onProtocolError: (reason: string) => void;
}

/** Raised when an event is to be pushed but no client is connected. */
export class NoReceiverError extends Error {
  constructor() {
    super("no long-connection client is connected");
    this.name = "NoReceiverError";
  }
}

const WS_PATH = "/ws/v2";
const TICKET_TTL_MS = 5 * 60 * 1000;
const MAX_CONNECTIONS = 50;
const SERVICE_ID = 33554678;

/** Lark's endpoint answers (`POST /callback/ws/endpoint`). */
export interface EndpointAnswer {
  code: number;
  msg: string;
  data: { URL?: string; ClientConfig?: WsClientConfig };
}

interface PendingAck {
  socket: WebSocket;
  resolve: (ack: WsAck) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Lark's long-connection service: hands out connect URLs with one-time tickets, accepts the WebSocket,
 * answers pings with pongs carrying the ClientConfig, pushes events as `pbbp2.Frame` data frames and matches
 * the ACKs. Each event goes to one connected client, chosen at random, as Lark spreads events over an app's
 * connections.
 */
export class LongConnectionHub {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly tickets = new Map<string, { deviceId: string; expiresAt: number }>();
  private readonly sockets: WebSocket[] = [];
  /** Sockets whose client has pinged: its SDK has attached its frame handler, so events will not be lost. */
  private readonly ready = new WeakSet<WebSocket>();
  private readonly pending = new Map<string, PendingAck>();
  private seq = 0;

  constructor(private readonly options: LongConnectionHubOptions) {}

  /** Connected clients that are ready for events. */
  get connectionCount(): number {
    return this.readySockets().length;
  }

  /** Answers `POST /callback/ws/endpoint` with `{AppID, AppSecret}` in the body. */
  endpoint(body: unknown): EndpointAnswer {
    const appId = isRecord(body) ? body.AppID : undefined;
    const appSecret = isRecord(body) ? body.AppSecret : undefined;
    if (appId !== this.options.appId) return { code: 403, msg: "forbidden", data: {} };
    if (appSecret !== this.options.appSecret) return { code: 514, msg: "auth failed", data: {} };
    if (this.sockets.length >= MAX_CONNECTIONS) {
      return { code: 1000040350, msg: "exceed connection limit", data: {} };
    }
    const ticket = newId("event");
    const deviceId = newId("nonce");
    this.tickets.set(ticket, { deviceId, expiresAt: Date.now() + TICKET_TTL_MS });
    const wsOrigin = this.options.baseUrl().replace(/^http/, "ws");
    // service_id must not come first: the Node SDK parses the whole URL with querystring.
    const query = new URLSearchParams({
      fpid: "493",
      aid: "552564",
      device_id: deviceId,
      access_key: newId("nonce"),
      service_id: String(SERVICE_ID),
      ticket,
    });
    return {
      code: 0,
      msg: "ok",
      data: { URL: `${wsOrigin}${WS_PATH}?${query}`, ClientConfig: this.options.clientConfig },
    };
  }

  /** Takes over an HTTP upgrade request; refuses it unless it carries a live ticket. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? "/", "http://localhost");
    const ticket = url.searchParams.get("ticket") ?? "";
    const grant = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    if (url.pathname !== WS_PATH || !grant || grant.expiresAt < Date.now()) {
      socket.end(
        "HTTP/1.1 403 Forbidden\r\nhandshake-status: 514\r\nhandshake-msg: invalid ticket\r\n" +
          "handshake-autherrcode: 1000040351\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
      );
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
  }

  /** Pushes one event payload (plaintext JSON envelope) to one ready client and resolves with its ACK. */
  send(payload: string, timeoutMs: number): Promise<WsAck> {
    const open = this.readySockets();
    const socket = open[Math.floor(Math.random() * open.length)];
    if (!socket) return Promise.reject(new NoReceiverError());
    const messageId = newId("event");
    const frame: Pbbp2Frame = {
      SeqID: ++this.seq,
      LogID: this.seq,
      service: SERVICE_ID,
      method: FRAME_METHOD.data,
      headers: [
        { key: "type", value: "event" },
        { key: "message_id", value: messageId },
        { key: "sum", value: "1" },
        { key: "seq", value: "0" },
        { key: "trace_id", value: newId("nonce") },
      ],
      payload: Buffer.from(payload, "utf8"),
    };
    return new Promise<WsAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(messageId);
        reject(new Error(`no ACK within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(messageId, { socket, resolve, reject, timer });
      socket.send(encodePbbp2Frame(frame));
    });
  }

  /** Cuts every connection, as a network failure or a server restart would. Clients reconnect on their own. */
  dropAll(): void {
    for (const socket of [...this.sockets]) socket.terminate();
  }

  close(): void {
    for (const ack of this.pending.values()) {
      clearTimeout(ack.timer);
      ack.reject(new Error("emulator closed"));
    }
    this.pending.clear();
    this.dropAll();
    this.server.close();
  }

  private accept(socket: WebSocket): void {
    this.sockets.push(socket);
    socket.on("message", (data, isBinary) => this.receive(socket, data, isBinary));
    socket.on("error", () => socket.terminate());
    socket.on("close", () => {
      this.sockets.splice(this.sockets.indexOf(socket), 1);
      for (const [messageId, ack] of this.pending) {
        if (ack.socket !== socket) continue;
        clearTimeout(ack.timer);
        this.pending.delete(messageId);
        ack.reject(new Error("connection closed before ACK"));
      }
      if (this.ready.has(socket)) this.options.onDisconnect(this.connectionCount);
    });
  }

  private readySockets(): WebSocket[] {
    return this.sockets.filter((s) => s.readyState === WebSocket.OPEN && this.ready.has(s));
  }

  private receive(socket: WebSocket, data: RawData, isBinary: boolean): void {
    if (!isBinary) {
      this.options.onProtocolError("long connection: text frame received; Lark speaks binary pbbp2 frames only");
      return;
    }
    let frame: Pbbp2Frame;
    try {
      frame = decodePbbp2Frame(toBuffer(data));
    } catch (error) {
      this.options.onProtocolError(`long connection: undecodable frame (${String(error)})`);
      return;
    }
    if (frame.method === FRAME_METHOD.control) {
      if (frameHeader(frame, "type") !== "ping") return;
      this.pong(socket, frame.service);
      // The SDK pings as soon as the socket opens; only then is it surely listening for event frames.
      if (!this.ready.has(socket)) {
        this.ready.add(socket);
        this.options.onConnect(this.connectionCount);
      }
      return;
    }
    this.acknowledge(frame);
  }

  private pong(socket: WebSocket, service: number): void {
    const pong: Pbbp2Frame = {
      SeqID: 0,
      LogID: 0,
      service,
      method: FRAME_METHOD.control,
      headers: [{ key: "type", value: "pong" }],
      payload: Buffer.from(JSON.stringify(this.options.clientConfig)),
    };
    socket.send(encodePbbp2Frame(pong));
  }

  private acknowledge(frame: Pbbp2Frame): void {
    const messageId = frameHeader(frame, "message_id") ?? "";
    const ack = this.pending.get(messageId);
    if (!ack) {
      this.options.onProtocolError(`long connection: ACK for unknown or late message_id ${messageId}`);
      return;
    }
    clearTimeout(ack.timer);
    this.pending.delete(messageId);
    try {
      const body: unknown = JSON.parse(Buffer.from(frame.payload ?? []).toString("utf8"));
      if (!isRecord(body) || typeof body.code !== "number") throw new Error("ACK payload has no numeric code");
      ack.resolve({ code: body.code, ...(typeof body.data === "string" && { data: body.data }) });
    } catch (error) {
      this.options.onProtocolError(`long connection: malformed ACK payload (${String(error)})`);
      ack.reject(new Error("malformed ACK payload"));
    }
  }
}

function toBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
