"""chainserve — 产业链服务平台: the platform on which a city runs its industry chains."""
