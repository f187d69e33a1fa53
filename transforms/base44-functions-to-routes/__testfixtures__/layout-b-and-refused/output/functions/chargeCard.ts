import { createClientFromRequest } from "npm:@base44/sdk@0.8.6";
import Stripe from "https://esm.sh/stripe@14?target=deno";

Deno.serve(async (req) => {
  const base44 = createClientFromRequest(req);
  const stripe = new Stripe(Deno.env.get("STRIPE_SECRET_KEY"));
  const user = await base44.auth.me();
  return Response.json(await stripe.customers.list({ email: user.email }));
});
