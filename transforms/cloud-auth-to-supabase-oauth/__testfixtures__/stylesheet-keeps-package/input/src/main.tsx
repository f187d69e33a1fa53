import { createRoot } from "react-dom/client";
import "@lovable.dev/cloud-auth-js/styles.css";
import App from "./App";

createRoot(document.getElementById("root")!).render(<App />);
