package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// pongBody is exactly what the seed's c.JSON(200, gin.H{"message": "pong"})
// writes, encoded once instead of per request.
var pongBody = []byte(`{"message":"pong"}`)

func ping(c *gin.Context) {
	c.Data(http.StatusOK, "application/json; charset=utf-8", pongBody)
}
