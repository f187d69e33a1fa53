import Stripe from "stripe";

export function stripeClient() {
  return new Stripe(process.env["NEXT_PUBLIC_STRIPE_SECRET_KEY"]!, { apiVersion: "2024-04-10" });
}
