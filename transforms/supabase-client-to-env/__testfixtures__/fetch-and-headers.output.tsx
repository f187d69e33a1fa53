import { useState } from "react";

export function Chat() {
  const [reply, setReply] = useState("");
  const ask = async (question: string) => {
    const res = await fetch(`${import.meta.env.VITE_SUPABASE_URL}/functions/v1/chat?q=${encodeURIComponent(question)}`, {
      headers: { apikey: import.meta.env.VITE_SUPABASE_PUBLISHABLE_KEY, Authorization: `Bearer ${import.meta.env.VITE_SUPABASE_PUBLISHABLE_KEY}` },
    });
    setReply(await res.text());
  };
  return (
    <section>
      <img src={`${import.meta.env.VITE_SUPABASE_URL}/storage/v1/object/public/avatars/bot.png`} alt="" />
      <button onClick={() => ask("hello")}>Ask</button>
      <p>{reply}</p>
    </section>
  );
}
