import Stripe from "stripe";

export function stripeClient() {
  // ownit-todo: NEXT_PUBLIC_STRIPE_SECRET_KEY is a secret, but the NEXT_PUBLIC_ prefix ships it to every browser: rotate it and use it only in server code
  return new Stripe(process.env["NEXT_PUBLIC_STRIPE_SECRET_KEY"]!, { apiVersion: "2024-04-10" });
}
