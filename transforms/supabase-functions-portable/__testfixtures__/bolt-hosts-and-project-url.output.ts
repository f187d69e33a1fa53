import Stripe from "npm:stripe@14.21.0";

const stripe = new Stripe(Deno.env.get("STRIPE_SECRET_KEY") ?? "");

Deno.serve({ port: 8000 }, async (req) => {
  const session = await stripe.checkout.sessions.create({
    success_url: `${Deno.env.get("SITE_URL")}/thanks`,
    cancel_url: `${Deno.env.get("SITE_URL")}/cart?id=${req.headers.get("x-cart")}`,
    mode: "payment",
  });
  await fetch(`${Deno.env.get("SUPABASE_URL")}/functions/v1/audit`, { method: "POST" });
  return Response.json({ url: session.url });
});
