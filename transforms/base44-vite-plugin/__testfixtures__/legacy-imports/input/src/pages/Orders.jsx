import React from "react";
import { Order } from "@/entities/Order";
import { Customer } from "@/api/entities";
import { InvokeLLM } from "../integrations/Core";

export default function Orders() {
  return <p>{Order && Customer && InvokeLLM ? "ready" : "…"}</p>;
}
