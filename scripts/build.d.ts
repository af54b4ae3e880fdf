/** Bundles `entryPoints` ({name: source}) into `outdir`, emptied first, as the bot is built (build.js). */
export function bundle(entryPoints: Record<string, string>, outdir: string): Promise<void>;
