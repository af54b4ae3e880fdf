import { connect } from "node:net";
import { networkInterfaces } from "node:os";

/**
 * Addresses of this machine other than 127.0.0.1 that a server bound to every interface would answer on: its network
 * interfaces' addresses, and on Linux 127.0.0.2 (the whole of 127/8 reaches the loopback interface there).
 */
export function otherAddresses(): string[] {
  const own = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && !a.address.startsWith("fe80:"))
    .map((a) => a?.address ?? "");
  return [...(process.platform === "linux" ? ["127.0.0.2"] : []), ...own];
}

/** Whether a TCP connection to address:port is accepted. */
export function connects(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 2000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}
