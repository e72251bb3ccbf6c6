"""claimbot."""
