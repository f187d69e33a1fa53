// ownit-todo: https://deno.land/std@0.168.0/http/server.ts loads from deno.land: export a serve that calls Deno.serve instead
export { serve } from "https://deno.land/std@0.168.0/http/server.ts";
export { createClient } from "npm:@supabase/supabase-js@2.7.1";
export { default as Stripe } from "npm:stripe@12.4.0";
