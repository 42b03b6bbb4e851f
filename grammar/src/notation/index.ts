// How rates and datapath ids are written (shared by the checker, the compiler, the editor and the runtime).
export { formatRate, formatBits, rateLiteral, parseRate, type RateStyle } from './rate.js';
export { dpidHex, dpidColons } from './dpid.js';
