// ownit-todo: https://deno.land/std@0.168.0/encoding/base64.ts loads from deno.land: use the matching jsr:@std package (its API was renamed in 1.0) or an npm package
import { encode } from "https://deno.land/std@0.168.0/encoding/base64.ts";
// ownit-todo: https://deno.land/x/postgres@v0.17.0/mod.ts loads from deno.land/x: import the module's npm: or jsr: package instead
import { Client } from "https://deno.land/x/postgres@v0.17.0/mod.ts";
// ownit-todo: https://esm.sh/dayjs names no version: import npm:dayjs@<the version you use> instead
import dayjs from "https://esm.sh/dayjs";

Deno.serve(async () => new Response(encode(dayjs().format()) + String(Client)));
