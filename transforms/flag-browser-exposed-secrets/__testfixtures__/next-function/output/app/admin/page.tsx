"use client";
import { stripeClient } from "@/lib/stripe";

export default async function AdminPage() {
  const balance = await stripeClient().balance.retrieve();
  return <pre>{JSON.stringify(balance.available)}</pre>;
}
