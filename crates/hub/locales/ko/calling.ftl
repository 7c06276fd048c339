# Patchbay messages (ko) — calling provisioning. Missing messages fall back to English.
calling-menu = 통화
calling-menu-devices = 장치
calling-menu-people = 사용자
calling-menu-workspaces = 작업 공간
calling-menu-locations = 위치
calling-menu-numbers = 번호
