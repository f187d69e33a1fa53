import { createClient } from "npm:@supabase/supabase-js@2.49.4";
import { z } from "jsr:@zod/zod@4.1.0";

Deno.serve(() => Response.json({ ok: Boolean(createClient && z) }));
