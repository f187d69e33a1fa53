import Stripe from "https://esm.sh/stripe@14.21.0?target=deno";
import { serve } from "https://deno.land/std@0.190.0/http/server.ts";

const stripe = new Stripe(Deno.env.get("STRIPE_SECRET_KEY") ?? "");

serve(async (req) => {
  const session = await stripe.checkout.sessions.create({
    success_url: "https://shop-demo.bolt.host/thanks",
    cancel_url: `https://shop-demo.bolt.host/cart?id=${req.headers.get("x-cart")}`,
    mode: "payment",
  });
  await fetch("https://abcdefghijklmnopqrst.supabase.co/functions/v1/audit", { method: "POST" });
  return Response.json({ url: session.url });
}, { port: 8000 });
