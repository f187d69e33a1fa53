import { encode } from "https://deno.land/std@0.168.0/encoding/base64.ts";
import { Client } from "https://deno.land/x/postgres@v0.17.0/mod.ts";
import dayjs from "https://esm.sh/dayjs";

Deno.serve(async () => new Response(encode(dayjs().format()) + String(Client)));
