import { createServerFn } from "@tanstack/react-start";
import { z } from "zod";

const GATEWAY = "https://ai.gateway.lovable.dev/v1";

export const summarize = createServerFn({ method: "POST" })
  .inputValidator((data: unknown) => z.object({ text: z.string() }).parse(data))
  .handler(async ({ data }) => {
    const apiKey = process.env["LOVABLE_API_KEY"];
    if (!apiKey) throw new Error("AI service is not configured.");
    const res = await fetch(`${GATEWAY}/chat/completions`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Lovable-API-Key": apiKey,
      },
      body: JSON.stringify({
        model: "google/gemini-3-flash-preview",
        messages: [{ role: "user", content: `Summarize:\n${data.text}` }],
      }),
    });
    if (res.status === 402) throw new Error("Add credits to your Lovable workspace.");
    return (await res.json()).choices[0].message.content as string;
  });
