import React from "react";
// ownit-todo: this import resolved only through @base44/vite-plugin's legacySDKImports: import it from @/api/entities
import { Order } from "@/entities/Order";
import { Customer } from "@/api/entities";
// ownit-todo: this import resolved only through @base44/vite-plugin's legacySDKImports: import it from @/api/integrations
import { InvokeLLM } from "../integrations/Core";

export default function Orders() {
  return <p>{Order && Customer && InvokeLLM ? "ready" : "…"}</p>;
}
