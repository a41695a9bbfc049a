// Unicode oracle: what JavaScript (this Node's ICU) makes of strings, for the C# normalization and casing tables.
// request: { strings: [...] }   response: { nfc: [...], nfd: [...], lower: [...] }
import { runOracle } from './common.mjs';

await runOracle(async ({ strings }) => ({
  nfc: strings.map((s) => s.normalize('NFC')),
  nfd: strings.map((s) => s.normalize('NFD')),
  lower: strings.map((s) => s.toLowerCase()),
}));
