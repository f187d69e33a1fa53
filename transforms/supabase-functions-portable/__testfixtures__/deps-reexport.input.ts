export { serve } from "https://deno.land/std@0.168.0/http/server.ts";
export { createClient } from "https://esm.sh/@supabase/supabase-js@2.7.1";
export { default as Stripe } from "https://esm.sh/stripe@12.4.0?target=deno";
