// The system's libcrypto (OpenSSL), for SHA-256 through its EVP interface.
#include <openssl/evp.h>
