/** Who is connected right now (the hub's WebSocket registry provides it). */
export interface PresenceSource {
  connected(): { userId: string; workstationId: string }[];
}
