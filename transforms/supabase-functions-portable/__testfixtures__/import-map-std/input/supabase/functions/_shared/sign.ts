import { encodeBase64 } from "std/encoding/base64.ts";

export async function sign(text: string): Promise<string> {
  return encodeBase64(new TextEncoder().encode(text));
}
