import type * as Lark from "@larksuiteoapi/node-sdk";
import type { Logger } from "../../log.ts";
import { type FlatEvent, HANDLED_EVENT_TYPES } from "../flat-event.ts";
import { lark } from "../sdk.ts";
import { sdkLogger } from "../sdk-logger.ts";
import type { ReceiverSink } from "./sink.ts";

export interface LongConnectionOptions {
  appId: string;
  appSecret: string;
  domain: string;
  sink: ReceiverSink;
  log: Logger;
}

/** A running long connection. */
export interface LongConnection {
  close(): void;
}

/**
 * Receives events and card callbacks over Lark's long connection (the SDK's WSClient). The SDK acknowledges a frame
 * only after the handler resolves, so the handler is the sink: store, then return (card answers travel in the ACK).
 */
export function startLongConnection(options: LongConnectionOptions): LongConnection {
  const { log } = options;
  const handlers: Record<string, (data: FlatEvent) => Promise<unknown>> = {};
  for (const type of HANDLED_EVENT_TYPES) handlers[type] = async (data) => (await options.sink(data)) ?? {};
  const dispatcher = new lark.EventDispatcher({ logger: sdkLogger(log), loggerLevel: lark.LoggerLevel.warn }).register(
    handlers as Parameters<Lark.EventDispatcher["register"]>[0],
  );
  const client = new lark.WSClient({
    appId: options.appId,
    appSecret: options.appSecret,
    domain: options.domain,
    logger: sdkLogger(log),
    loggerLevel: lark.LoggerLevel.warn,
    autoReconnect: true,
    onReady: () => log.info("long connection ready"),
    onError: (error: Error) => log.error({ err: error }, "long connection failed"),
    onReconnecting: () => log.warn("long connection reconnecting"),
    onReconnected: () => log.info("long connection reconnected"),
  });
  void client.start({ eventDispatcher: dispatcher });
  return { close: () => client.close() };
}
