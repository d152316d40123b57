// Small stroke icons (16 px grid, currentColor): crisp at any DPI and independent of emoji fonts.
import type { ReactNode } from 'react';

function Icon({ children, size = 14 }: { children: ReactNode; size?: number }) {
  return (
    <svg
      className="icon"
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {children}
    </svg>
  );
}

export const PlusIcon = () => (
  <Icon>
    <path d="M8 3v10M3 8h10" />
  </Icon>
);

export const CloseIcon = ({ size = 12 }: { size?: number }) => (
  <Icon size={size}>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Icon>
);

export const RefreshIcon = () => (
  <Icon>
    <path d="M13 8a5 5 0 1 1-1.5-3.6" />
    <path d="M13 2.5v3h-3" />
  </Icon>
);

export const ServerIcon = () => (
  <Icon>
    <rect x="2.5" y="2.5" width="11" height="4.5" rx="1" />
    <rect x="2.5" y="9" width="11" height="4.5" rx="1" />
    <path d="M5 4.75h.01M5 11.25h.01" />
  </Icon>
);

export const AddServerIcon = () => (
  <Icon>
    <rect x="1.5" y="2.5" width="9" height="4.5" rx="1" />
    <rect x="1.5" y="9" width="9" height="4.5" rx="1" />
    <path d="M13 6.5v5M10.5 9h5" />
  </Icon>
);

export const HomeIcon = () => (
  <Icon size={13}>
    <path d="M2.5 7.5L8 3l5.5 4.5V13h-11z" />
  </Icon>
);

export const RepoIcon = () => (
  <Icon size={13}>
    <path d="M3.5 2.5h8a1 1 0 0 1 1 1v10h-8a1 1 0 0 1-1-1z" />
    <path d="M3.5 11.5a1 1 0 0 1 1-1h8" />
  </Icon>
);

export const BranchIcon = ({ size = 13 }: { size?: number }) => (
  <Icon size={size}>
    <circle cx="5" cy="3.5" r="1.5" />
    <circle cx="5" cy="12.5" r="1.5" />
    <circle cx="11.5" cy="5.5" r="1.5" />
    <path d="M5 5v6M11.5 7c0 2.5-3 2.5-6.5 4" />
  </Icon>
);

export const PlayIcon = () => (
  <Icon size={12}>
    <path d="M5 3.5l7 4.5-7 4.5z" />
  </Icon>
);

export const OpenIcon = () => (
  <Icon size={12}>
    <path d="M6 3.5H3.5v9h9V10M9 3.5h3.5V7M12.5 3.5L7 9" />
  </Icon>
);

export const BellIcon = () => (
  <Icon>
    <path d="M4 11V7a4 4 0 0 1 8 0v4l1 1.5H3z" />
    <path d="M6.5 14h3" />
  </Icon>
);

export const SunIcon = () => (
  <Icon>
    <circle cx="8" cy="8" r="2.8" />
    <path d="M8 1.5v1.5M8 13v1.5M1.5 8H3M13 8h1.5M3.4 3.4l1 1M11.6 11.6l1 1M3.4 12.6l1-1M11.6 4.4l1-1" />
  </Icon>
);

export const MoonIcon = () => (
  <Icon>
    <path d="M13 9.5A5.5 5.5 0 0 1 6.5 3a5.5 5.5 0 1 0 6.5 6.5z" />
  </Icon>
);

export const ChevronIcon = () => (
  <Icon size={10}>
    <path d="M6 3.5L10.5 8 6 12.5" strokeWidth="2" />
  </Icon>
);

export const SearchUpIcon = () => (
  <Icon size={12}>
    <path d="M4 10l4-4 4 4" />
  </Icon>
);

export const SearchDownIcon = () => (
  <Icon size={12}>
    <path d="M4 6l4 4 4-4" />
  </Icon>
);
