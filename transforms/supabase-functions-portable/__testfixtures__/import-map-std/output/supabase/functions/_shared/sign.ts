// ownit-todo: https://deno.land/std@0.224.0/encoding/base64.ts loads from deno.land: use the matching jsr:@std package (its API was renamed in 1.0) or an npm package
import { encodeBase64 } from "std/encoding/base64.ts";

export async function sign(text: string): Promise<string> {
  return encodeBase64(new TextEncoder().encode(text));
}
