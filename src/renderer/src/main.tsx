import { createRoot } from 'react-dom/client';

function App() {
  return <main>Orchard</main>;
}

createRoot(document.getElementById('root')!).render(<App />);
