"""The local CAPTCHA: its challenge site and its picture grid."""
