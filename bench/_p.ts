import { summarizeProfile } from "./lib/profile.ts";
const s = summarizeProfile(process.argv[2] ?? "", 25);
console.log(JSON.stringify(s, null, 1));
