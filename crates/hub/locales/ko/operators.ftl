# MOB-1 … MOB-3: 모바일 사업자 번호.
rule-mismatch = 일치하지 않습니다.
rule-account-id = 3~32자의 문자, 숫자, - _ 또는 .이어야 합니다(사업자가 제공한 그대로).
rule-not-mobile-number = 위치 국가({ $country })의 휴대폰 번호가 아닙니다.
conflict-operator-not-authorized = 위치의 사업자 계정이 승인되지 않았습니다. 사업자가 승인한 후에 번호를 추가할 수 있습니다.
conflict-operator-decision = 이 응답은 적용되지 않습니다. 대기 중인 요청만 실패 처리할 수 있으며 승인된 계정은 계속 승인 상태입니다.
