// libcurl loaded on first use by the release baysh: curl_on_demand.c defines libcurl's functions for Foundation's
// URLSession; nothing is called from Swift, so this header declares nothing.
#ifndef CCURLONDEMAND_H
#define CCURLONDEMAND_H
#endif
